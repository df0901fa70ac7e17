import { describe, expect, it } from "vitest";
import { isPrivateAddress, privateHostProblem, privateTargetProblem } from "@/lib/http/outbound";

describe("storefront webhook targets", () => {
  it("private, loopback, link-local, shared, multicast and reserved addresses are inside; public ones are not", () => {
    for (const ip of ["10.1.2.3", "127.0.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.1.10", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip"]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("a URL naming this server or a private address is refused as written", () => {
    expect(privateHostProblem("http://localhost:3000/hook")).toContain("this server");
    expect(privateHostProblem("http://api.localhost/hook")).toContain("this server");
    expect(privateHostProblem("http://169.254.169.254/latest/meta-data")).toContain("private address");
    expect(privateHostProblem("http://[::1]:8080/")).toContain("private address");
    expect(privateHostProblem("https://shop.example.com/hooks/ldxp")).toBeNull();
    expect(privateHostProblem("https://8.8.8.8/hook")).toBeNull();
  });

  it("a name that resolves inside is refused when it is resolved, whichever of its addresses is inside", async () => {
    const dns = (addresses: string[]) => async () => addresses;
    expect(await privateTargetProblem("https://shop.example.com/hook", dns(["93.184.216.34"]))).toBeNull();
    expect(await privateTargetProblem("https://rebind.example.com/hook", dns(["93.184.216.34", "10.0.0.5"]))).toBe("rebind.example.com resolves to 10.0.0.5, a private address");
    expect(await privateTargetProblem("http://127.0.0.1:9/hook", dns([]))).toContain("private address");
  });
});
