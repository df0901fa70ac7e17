export * from "./adapter";
export * from "./normalize";
export * from "./verify";
