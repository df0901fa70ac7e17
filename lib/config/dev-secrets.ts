import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readConfig } from "@/lib/config/env";

/** A random secret generated once and kept in the data directory (development defaults only). */
export function loadOrCreateSecretFile(name: string): string {
  const file = path.join(readConfig().dataDir, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString("base64") + "\n", { flag: "wx", mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return fs.readFileSync(file, "utf8").trim();
}
