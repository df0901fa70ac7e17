export * from "./adapter";
export * from "./json-fields";
export * from "./normalize";
export * from "./signing";
export * from "./x509";
