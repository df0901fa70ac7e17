export * from "./base64";
export * from "./pem";
export * from "./timing-safe-equal";
