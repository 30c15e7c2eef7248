import { monitoringSchema } from "../../config/observability";
import { kubePrometheusStackValues } from "./values";

describe("kubePrometheusStackValues", () => {
  const values = (settings: object) =>
    kubePrometheusStackValues({
      settings: monitoringSchema.parse(settings),
      loadBalancerName: "lb",
      ingressGroup: "group",
    });

  it("keeps Prometheus' size-based retention 10% under its volume", () => {
    expect(values({ prometheusStorageGb: 200 }).prometheus.prometheusSpec.retentionSize).toBe("180GB");
  });

  it("keeps the static file's settings beside the per-stack ones", () => {
    const v = values({});
    expect(v.kubeEtcd).toEqual({ enabled: false });
    expect(v.prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues).toBe(false);
    expect(v.prometheus.prometheusSpec.retention).toBe("15d");
    expect(v.grafana.sidecar.dashboards).toMatchObject({ label: "grafana_dashboard", labelValue: "1" });
  });

  it("sets no Grafana root URL and no ingress without a host", () => {
    const v = values({});
    expect(v.grafana.ingress).toEqual({ enabled: false });
    expect(v.grafana["grafana.ini"].server).toBeUndefined();
  });
});
