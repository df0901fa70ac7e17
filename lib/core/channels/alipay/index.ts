export * from "./adapter";
export * from "./normalize";
export * from "./parse-form";
export * from "./time";
export * from "./verify";
