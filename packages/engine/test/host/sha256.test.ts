import { describe, expect, it } from "vitest";
import { base32, endpointChainName, serviceChainName, servicePortName, sha256Hex } from "../../src/host/sha256.ts";

describe("sha256", () => {
  it("matches the FIPS 180-4 vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(sha256Hex("a".repeat(1000))).toBe("41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  });
});

describe("base32", () => {
  it("is RFC 4648 with padding (Go's StdEncoding)", () => {
    const enc = (s: string) => base32(new TextEncoder().encode(s));
    expect(enc("")).toBe("");
    expect(enc("f")).toBe("MY======");
    expect(enc("fo")).toBe("MZXQ====");
    expect(enc("foo")).toBe("MZXW6===");
    expect(enc("foob")).toBe("MZXW6YQ=");
    expect(enc("fooba")).toBe("MZXW6YTB");
    expect(enc("foobar")).toBe("MZXW6YTBOI======");
  });
});

describe("kube-proxy v1.18 chain names", () => {
  it("hashes namespace/name:port + protocol (verified values)", () => {
    const sp = servicePortName("default", "backendsvc", "");
    expect(sp).toBe("default/backendsvc:");
    expect(serviceChainName(sp, "TCP")).toBe("KUBE-SVC-EKL7ZEFK3VFJKKGJ");
    expect(endpointChainName(sp, "tcp", "10.222.1.47:80")).toBe("KUBE-SEP-6PRWOLZVS5LKSHLK");
    expect(endpointChainName(sp, "tcp", "10.222.2.34:80")).toBe("KUBE-SEP-R5BOSGFC7D2XSIZA");
  });
});
