import type { ReactNode, TableHTMLAttributes } from "react";

/** Cell padding shared by every list table, so lists line up when the user moves between them. */
export const cellClass = "px-4 py-3 align-middle";
const headerCellClass = "whitespace-nowrap px-4 py-2.5 font-medium";

export interface DataColumn {
  /** Stable React key; defaults to the column's position. */
  key?: string;
  label: ReactNode;
  align?: "left" | "right";
  /** Extra classes for the header cell (widths, a visually hidden label's cell). */
  className?: string;
}

type DataTableProps = Omit<TableHTMLAttributes<HTMLTableElement>, "className" | "children"> & {
  columns: DataColumn[];
  /** The body rows (`<tr>` elements). */
  children: ReactNode;
  /** Tables inside a card scroll sideways on a phone instead of squeezing their columns. */
  scroll?: boolean;
  "data-testid"?: string;
};

/** A list table: one header row of column labels over the rows it is given. */
export function DataTable({ columns, children, scroll = true, ...tableProps }: DataTableProps) {
  const table = (
    <table className="w-full text-sm" {...tableProps}>
      <thead className="bg-slate-50 text-left text-xs font-medium text-slate-500">
        <tr>
          {columns.map((column, i) => (
            <th
              key={column.key ?? i}
              scope="col"
              className={[headerCellClass, column.align === "right" ? "text-right" : "", column.className ?? ""].filter(Boolean).join(" ")}
            >
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">{children}</tbody>
    </table>
  );
  return scroll ? <div className="overflow-x-auto">{table}</div> : table;
}
