import { describe, expect, it } from "vitest";
import { certificatesExpireAt, CREDENTIAL_FIELDS, credentialsFromForm, type CredentialChannel } from "@/lib/core/channels/credential-fields";
import { parseCertificate } from "@/lib/core/channels/generic/x509";
import { makePaypalCertificate } from "@/tests/helpers/paypal-signer";
import { makeCertificate, makeUnionpayChain } from "@/tests/helpers/unionpay-signer";
import { channelEnum } from "@/lib/db/schema";
import { credentialSchemas } from "@/lib/services/channel-accounts";
import { MESSAGES } from "@/lib/i18n/messages";

describe("the settings form's credential fields", () => {
  it("ask for exactly the keys the server's schema takes, for every channel, each with a label in both languages", () => {
    expect(Object.keys(CREDENTIAL_FIELDS).sort()).toEqual([...channelEnum.enumValues].sort());
    for (const channel of channelEnum.enumValues) {
      const schemaKeys = Object.keys(credentialSchemas[channel].shape).sort();
      expect(CREDENTIAL_FIELDS[channel].map((f) => f.key).sort(), channel).toEqual(schemaKeys);
      for (const f of CREDENTIAL_FIELDS[channel]) {
        expect(MESSAGES["zh-CN"].settings.channels.add.fields[f.key], f.key).toBeTruthy();
        expect(MESSAGES.en.settings.channels.add.fields[f.key], f.key).toBeTruthy();
      }
    }
  });

  it("mark as optional exactly what the schema lets go missing", () => {
    for (const channel of channelEnum.enumValues) {
      const shape = credentialSchemas[channel].shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      for (const f of CREDENTIAL_FIELDS[channel as CredentialChannel]) {
        expect(!!f.optional, `${channel}.${f.key}`).toBe(shape[f.key].safeParse(undefined).success);
      }
    }
  });

  it("turn a filled form into credentials: trimmed, empty optional fields left out, empty required ones kept for the server to name", () => {
    expect(credentialsFromForm("alipay", { appId: " 2021000 ", alipayPublicKey: "\n-----BEGIN PUBLIC KEY-----\nAB\n-----END PUBLIC KEY-----\n", sellerId: "  " })).toEqual({
      appId: "2021000",
      alipayPublicKey: "-----BEGIN PUBLIC KEY-----\nAB\n-----END PUBLIC KEY-----",
    });
    expect(credentialsFromForm("bank", { bankName: "招商银行" })).toEqual({ bankName: "招商银行", accountNo: "" });
    // Fields of another channel (left in the form's state) are not sent.
    expect(credentialsFromForm("stripe", { webhookSecret: "whsec_x", appId: "stale" })).toEqual({ webhookSecret: "whsec_x" });
    // Renewing: only what was filled in goes, required or not.
    expect(credentialsFromForm("wechatpay", { mchId: "", apiV3Key: "  ", platformPublicKey: " PEM " }, { partial: true })).toEqual({ platformPublicKey: "PEM" });
  });
});

describe("certificatesExpireAt", () => {
  const notAfter = (pem: string) => parseCertificate(pem).notAfter;

  it("is the first certificate's expiry: UnionPay's chain, PayPal's certificate, WeChat Pay's platform certificates", () => {
    const chain = makeUnionpayChain();
    // The intermediate (1,825 days) lapses before the root (3,650).
    expect(certificatesExpireAt("unionpay", { merId: "1", rootCertificate: chain.root.certPem, intermediateCertificate: chain.intermediate.certPem })).toEqual(
      notAfter(chain.intermediate.certPem),
    );
    const paypal = makePaypalCertificate(10);
    expect(certificatesExpireAt("paypal", { webhookId: "W", certificate: paypal.certPem })).toEqual(notAfter(paypal.certPem));
    const soon = makeCertificate({ subject: "/CN=Tenpay soon", days: 5 });
    const later = makeCertificate({ subject: "/CN=Tenpay later", days: 50 });
    const entry = (pem: string) => ({ serial: parseCertificate(pem).serialNumber, pem });
    const certificates = [entry(later.certPem), entry(soon.certPem)];
    expect(certificatesExpireAt("wechatpay", { mchId: "1", platformCertificates: certificates })).toEqual(notAfter(soon.certPem));
    expect(certificatesExpireAt("wechatpay", { mchId: "1", platformCertificates: JSON.stringify(certificates) })).toEqual(notAfter(soon.certPem));
  });

  it("is null without certificates, for a WeChat Pay account on the public key, and for what cannot be read", () => {
    const soon = makeCertificate({ subject: "/CN=Tenpay soon", days: 5 });
    expect(certificatesExpireAt("alipay", { appId: "1", alipayPublicKey: "PEM" })).toBeNull();
    expect(certificatesExpireAt("wechatpay", { mchId: "1", platformPublicKey: "PEM", platformCertificates: [{ serial: parseCertificate(soon.certPem).serialNumber, pem: soon.certPem }] })).toBeNull();
    expect(certificatesExpireAt("paypal", { webhookId: "W", certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" })).toBeNull();
    expect(certificatesExpireAt("wechatpay", { mchId: "1", platformCertificates: "not json" })).toBeNull();
  });
});

