import { notFound } from "next/navigation";
import { ApiError } from "@/lib/http/errors";

/**
 * For pages: a service's 404 (absent, or another merchant's) renders the not-found page, the same
 * answer the API gives, so a page never tells whether someone else's id exists.
 */
export async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) notFound();
    throw err;
  }
}
