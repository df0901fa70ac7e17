import { LiveBoard } from "@/components/board/live-board";
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getBoard } from "@/lib/services/board";

export default async function BoardPage() {
  const user = await requireUser();
  // Server-rendered first paint; the client then keeps it live by polling /api/board.
  const board = await getBoard(await getDb(), user.merchantId);
  return <LiveBoard initialData={board} />;
}
