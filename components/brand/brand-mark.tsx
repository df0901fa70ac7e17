/** The 链动小铺 mark: two linked rings, drawn inline so it needs no asset request. */
export function BrandMark({ className = "size-8" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="fill-teal-600" />
      <circle cx="12.5" cy="16" r="5.5" fill="none" stroke="white" strokeWidth="2.5" />
      <circle cx="19.5" cy="16" r="5.5" fill="none" stroke="white" strokeWidth="2.5" opacity="0.85" />
    </svg>
  );
}
