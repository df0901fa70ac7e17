import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, permissionsOf } from "@/lib/core/roles";

describe("role permissions", () => {
  it("owner may do everything, accountant everything but settings and team (the books are theirs), viewer only view", () => {
    expect(permissionsOf("owner")).toEqual([...PERMISSIONS]);
    expect(permissionsOf("accountant").sort()).toEqual(["import", "manage_books", "match", "resolve_anomalies", "view"]);
    expect(permissionsOf("viewer")).toEqual(["view"]);
    expect(can("accountant", "manage_settings")).toBe(false);
    expect(can("accountant", "manage_team")).toBe(false);
    expect(can("viewer", "match")).toBe(false);
    expect(can("viewer", "manage_books")).toBe(false);
    expect(can("owner", "manage_team")).toBe(true);
  });

  it.each(["", "admin", "Owner", "__proto__", "constructor"])("an unknown role (%s) grants nothing", (role) => {
    for (const p of PERMISSIONS) expect(can(role, p)).toBe(false);
    expect(permissionsOf(role)).toEqual([]);
  });
});
