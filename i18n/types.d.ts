import type { Locale, Messages } from "@/lib/i18n/messages";

// Typed keys and arguments: `t("board.todaySince", { from, tz })` fails the type check when a key is renamed.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
