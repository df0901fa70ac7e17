import { parseStatement, StatementFormatError } from "@/lib/core/statements";
const fund = "\uFEFF记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号\n`2026-11-20 10:00:00,`4200001234,`1234,`交易,`交易,`收入,`128.00,`1000.00,`system,`,`\n";
const alipayAcct = "#支付宝账务明细查询\n#账号：[20881234]\n#起始日期：[2026年11月01日 00:00:00]   终止日期：[2026年11月30日 00:00:00]\n#-----------------------------------------账务明细列表----------------------------------------\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\n";
for (const [fmt, text] of [["wechat-bill", fund], ["auto", fund], ["alipay-bill", alipayAcct], ["auto", alipayAcct]] as const) {
  try { const r = parseStatement(fmt, new TextEncoder().encode(text)); console.log(fmt, r.format, r.lines.length, r.rejected.slice(0,2)); }
  catch (e) { console.log(fmt, e instanceof StatementFormatError, (e as Error).message); }
}
