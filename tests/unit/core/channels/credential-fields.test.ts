import { describe, expect, it } from "vitest";
import { CREDENTIAL_FIELDS, credentialsFromForm, type CredentialChannel } from "@/lib/core/channels/credential-fields";
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
