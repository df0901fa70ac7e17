import { describe, expect, it } from "vitest";
import { parseDoudianPush, quoteLongIntegers } from "@/lib/core/orders/doudian-push";

describe("抖店 push parsing", () => {
  it("keeps integer literals beyond 2^53 exact, and leaves strings and small numbers alone", () => {
    const text = '{"p_id":4837328765348566675,"n":-12,"f":1.5e3,"s":"say \\"9007199254740993999\\"","a":[9007199254740993,1]}';
    expect(JSON.parse(quoteLongIntegers(text))).toEqual({ p_id: "4837328765348566675", n: -12, f: 1500, s: 'say "9007199254740993999"', a: ["9007199254740993", 1] });
  });

  it("reads data given inline or as a JSON string, and a single message object", () => {
    const inline = parseDoudianPush('{"tag":101,"msg_id":"m1","data":{"p_id":6928374655102938480,"pay_amount":128800,"s_ids":["6928374655102938481"]}}');
    const nested = parseDoudianPush(JSON.stringify([{ tag: "101", msg_id: "m1", data: '{"p_id":6928374655102938480,"pay_amount":128800,"s_ids":[6928374655102938481]}' }]));
    for (const events of [inline, nested]) {
      expect(events).toEqual([expect.objectContaining({ kind: "order_paid", platformOrderId: "6928374655102938480", amount: 128_800, subOrderIds: ["6928374655102938481"] })]);
    }
  });

  it("leaves out a paid message without a usable amount or order id, with its reason, and reads the ones beside it", () => {
    const events = parseDoudianPush(
      '[{"tag":"101","msg_id":"m0","data":{"p_id":1,"pay_amount":0}},{"tag":101,"data":{"pay_amount":100}},7,{"msg_id":"m3"},{"tag":"101","data":{"p_id":2,"pay_amount":500}}]',
    );
    expect(events).toEqual([
      { kind: "ignored", msgId: "m0", tag: "101", reason: "[0].data.pay_amount: must be a positive integer number of fen, got 0", invalid: true },
      { kind: "ignored", msgId: null, tag: "101", reason: "[1].data.p_id: required", invalid: true },
      { kind: "ignored", msgId: null, tag: "", reason: "[2]: not an object", invalid: true },
      { kind: "ignored", msgId: "m3", tag: "", reason: "[3].tag: required", invalid: true },
      expect.objectContaining({ kind: "order_paid", platformOrderId: "2", amount: 500 }),
    ]);
  });

  it("refuses only a body that is not a push at all", () => {
    expect(() => parseDoudianPush("[]")).toThrow(/no messages/);
    expect(() => parseDoudianPush("{oops")).toThrow(/not valid JSON/);
    expect(() => parseDoudianPush('"text"')).toThrow(/not a message or an array of messages/);
  });
});
