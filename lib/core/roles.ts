/**
 * Who may do what inside one merchant. The single table every entry point (session routes, server
 * actions, pages) consults, so a role means the same thing in the API, the UI and the tests.
 */
export const ROLES = ["owner", "accountant", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "view",
  /** Confirm, reject, unmatch and manual-match payments. */
  "match",
  /** Import bank statements, channel bills and platform order exports. */
  "import",
  "resolve_anomalies",
  /** Channel accounts, matching and anomaly rules, tolerance, storefront webhook, API keys. */
  "manage_settings",
  "manage_team",
  /** The ledger accounts (会计科目) the report's vouchers post to: the books, not where money goes. */
  "manage_books",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  // The bookkeeper does the daily reconciliation and keeps the chart of accounts, but cannot change
  // where money is routed or who has access.
  accountant: ["view", "match", "import", "resolve_anomalies", "manage_books"],
  viewer: ["view"],
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** An unknown role (a stale or tampered session) grants nothing. */
export function can(role: string, permission: Permission): boolean {
  return isRole(role) && GRANTS[role].includes(permission);
}

/** Everything a role may do, for a client component that hides what it cannot use. */
export function permissionsOf(role: string): Permission[] {
  return isRole(role) ? [...GRANTS[role]] : [];
}
