import Link from "next/link";
import { getMessages } from "@/lib/i18n/server";

export default async function NotFound() {
  const t = await getMessages();
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-3 px-6 text-center">
      <p className="text-5xl font-semibold text-slate-300">404</p>
      <h1 className="text-xl font-semibold">{t.notFound.heading}</h1>
      <p className="text-sm text-slate-600">{t.notFound.body}</p>
      <Link
        href="/"
        className="mt-2 rounded-md text-sm font-medium text-teal-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
      >
        {t.notFound.back}
      </Link>
    </main>
  );
}
