export * from "./alipay";
export * from "./errors";
export * from "./types";
