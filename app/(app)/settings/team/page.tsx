import { TeamSettings } from "@/components/team/team-settings";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";
import { listMembers } from "@/lib/services/team";

export default async function TeamPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  if (!can(user.role, "manage_team")) {
    return (
      <p role="alert" data-testid="team-forbidden" className="text-sm text-slate-600">
        {t.team.forbidden}
      </p>
    );
  }
  const members = await listMembers(await getDb(), user.merchantId);
  return <TeamSettings currentUserId={user.id} initialMembers={members} />;
}
