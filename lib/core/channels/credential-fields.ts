/**
 * What the settings page asks for when a merchant adds a channel account: the credential fields of
 * each channel (the keys POST /api/v1/channel-accounts takes), in the order the channel's console
 * shows them. `pem` fields are pasted keys or certificates (multi-line), `secret` fields are typed
 * blind; optional ones may be left empty. A unit test keeps these keys equal to the service's schemas.
 */
import { parseCertificate } from "./generic/x509";
import { platformCertificates, type WechatpayCredentials } from "./wechatpay/credentials";

export type CredentialFieldKind = "text" | "secret" | "pem";

export interface CredentialField {
  key: string;
  kind: CredentialFieldKind;
  optional?: boolean;
}

const text = (key: string, optional = false): CredentialField => ({ key, kind: "text", optional });
const secret = (key: string): CredentialField => ({ key, kind: "secret" });
const pem = (key: string, optional = false): CredentialField => ({ key, kind: "pem", optional });

export const CREDENTIAL_FIELDS = {
  alipay: [text("appId"), pem("alipayPublicKey"), text("sellerId", true)],
  wechatpay: [text("mchId"), secret("apiV3Key"), text("platformPublicKeyId", true), pem("platformPublicKey", true), pem("platformCertificates", true)],
  unionpay: [text("merId"), pem("rootCertificate"), pem("intermediateCertificate")],
  douyin: [text("appId"), secret("token")],
  stripe: [secret("webhookSecret")],
  paypal: [text("webhookId"), pem("certificate")],
  bank: [text("bankName"), text("accountNo"), text("accountName", true)],
  doudian: [text("appKey"), secret("appSecret")],
  other: [secret("secret")],
} satisfies Record<string, CredentialField[]>;

export type CredentialChannel = keyof typeof CREDENTIAL_FIELDS;

/**
 * The credentials object of a filled form: values trimmed (PEM line breaks kept), empty optional
 * fields left out. `partial` (renewing an account's credentials) leaves out every empty field: the
 * server keeps what is stored for those.
 */
export function credentialsFromForm(channel: CredentialChannel, values: Record<string, string | undefined>, opts: { partial?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of CREDENTIAL_FIELDS[channel]) {
    const value = (values[field.key] ?? "").trim();
    if (value !== "" || !(field.optional || opts.partial)) out[field.key] = value;
  }
  return out;
}

/** Channels whose credentials may hold certificates (the others verify with keys or shared secrets). */
export const CERTIFICATE_CHANNELS = ["unionpay", "paypal", "wechatpay"] as const;

/**
 * When the first certificate among an account's credentials expires (UnionPay's chain, PayPal's
 * signing certificate, WeChat Pay platform certificates of an account without the WeChat Pay public key),
 * or null when it holds none: past that
 * instant the channel's notifications no longer verify, so the settings page warns ahead of it.
 */
export function certificatesExpireAt(channel: string, credentials: Record<string, unknown>): Date | null {
  const pems: unknown[] =
    channel === "unionpay"
      ? [credentials.rootCertificate, credentials.intermediateCertificate]
      : channel === "paypal"
        ? [credentials.certificate]
        : [];
  const dates: Date[] = [];
  for (const pem of pems) {
    try {
      if (typeof pem === "string") dates.push(parseCertificate(pem).notAfter);
    } catch {
      // Checked when stored; an unreadable one has no date to show.
    }
  }
  // A WeChat Pay account with the WeChat Pay public key keeps verifying once its old certificates lapse.
  if (channel === "wechatpay" && credentials.platformPublicKey === undefined) {
    try {
      for (const c of platformCertificates(credentials.platformCertificates as WechatpayCredentials["platformCertificates"])) dates.push(c.certificate.notAfter);
    } catch {
      // As above.
    }
  }
  return dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : null;
}
