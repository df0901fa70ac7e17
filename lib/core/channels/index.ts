export * from "./adapter";
export * from "./alipay";
export * from "./errors";
export * from "./registry";
export * from "./types";
