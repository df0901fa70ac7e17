export * from "./adapter";
export * from "./amounts";
export * from "./normalize";
