import { AnomaliesList } from "@/components/anomalies/anomalies-list";

export default function AnomaliesPage() {
  return <AnomaliesList />;
}
