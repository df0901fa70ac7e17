// GET /api/board – the signed-in merchant's live board figures (polled by the board page)
import { sessionRoute } from "@/lib/auth/session";
import { getBoard } from "@/lib/services/board";

export const GET = sessionRoute(async ({ db, user }) => Response.json(await getBoard(db, user.merchantId)));
