import { AnomaliesList } from "@/components/anomalies/anomalies-list";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";

export default async function AnomaliesPage() {
  const user = await requireUser();
  return <AnomaliesList canResolve={can(user.role, "resolve_anomalies")} />;
}
