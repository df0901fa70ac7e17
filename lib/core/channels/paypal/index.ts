export * from "./adapter";
export * from "./crc32";
export * from "./normalize";
export * from "./verify";
