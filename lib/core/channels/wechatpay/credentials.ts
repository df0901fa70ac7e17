import { KeyFormatError } from "@/lib/core/crypto/pem";
import { type Certificate, parseCertificate } from "@/lib/core/channels/generic/x509";

/** One WeChat Pay platform certificate (平台证书) as configured: its serial and PEM. */
export interface WechatPlatformCertificate {
  serial: string;
  pem: string;
}

/**
 * Credentials of a WeChat Pay v3 merchant. New merchants verify with the WeChat Pay public key (`PUB_KEY_ID_…`);
 * merchants still on, or migrating from, platform certificates also list those in `platformCertificates` (an array,
 * or its JSON text), and each callback is verified with the key its `Wechatpay-Serial` names.
 */
export interface WechatpayCredentials {
  mchId: string;
  /** APIv3 key: 32 ASCII characters, the AES-256-GCM key for callback resources. */
  apiV3Key: string;
  platformPublicKey?: string;
  platformPublicKeyId?: string;
  platformCertificates?: WechatPlatformCertificate[] | string;
}

/** Serial numbers compare as hex numbers: case and leading zeros do not matter. */
export const normalizeSerial = (serial: string) => serial.trim().toUpperCase().replace(/^0+(?=.)/, "");

/** The configured platform certificates, parsed; throws KeyFormatError naming the bad entry. */
export function platformCertificates(value: WechatpayCredentials["platformCertificates"]): { serial: string; certificate: Certificate }[] {
  if (value === undefined || value === "") return [];
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch (error) {
      throw new KeyFormatError("platformCertificates is not JSON", { cause: error });
    }
  }
  if (!Array.isArray(list)) throw new KeyFormatError("platformCertificates must be an array of {serial, pem}");
  return list.map((entry: unknown, i) => {
    const { serial, pem } = (entry ?? {}) as Record<string, unknown>;
    if (typeof serial !== "string" || typeof pem !== "string") throw new KeyFormatError(`platformCertificates[${i}] must be {serial, pem}`);
    let certificate: Certificate;
    try {
      certificate = parseCertificate(pem);
    } catch (error) {
      throw new KeyFormatError(`platformCertificates[${i}].pem: ${(error as Error).message}`, { cause: error });
    }
    // The serial WeChat puts in Wechatpay-Serial is the certificate's own; a typo here would silently never match.
    if (normalizeSerial(serial) !== certificate.serialNumber) {
      throw new KeyFormatError(`platformCertificates[${i}].serial ${serial} is not the certificate's serial ${certificate.serialNumber}`);
    }
    return { serial: certificate.serialNumber, certificate };
  });
}
