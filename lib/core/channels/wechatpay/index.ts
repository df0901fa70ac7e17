export * from "./adapter";
export * from "./credentials";
export * from "./decrypt";
export * from "./normalize";
export * from "./verify";
