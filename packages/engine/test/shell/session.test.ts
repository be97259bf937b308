import { describe, expect, it } from "vitest";
import { traceCluster, type HostHop } from "../../src/cluster/trace.ts";
import { ShellSession } from "../../src/shell/session.ts";
import { seedCluster } from "../cluster/helpers.ts";

const on = (node: string) => new ShellSession(seedCluster(), node);

describe("bash behaviour", () => {
  it("command not found, with Ubuntu's hint for packages that provide the command", () => {
    const s = on("worker1");
    expect(s.run("foo")).toMatchObject({ stdout: "", stderr: "foo: command not found\n", code: 127 });
    expect(s.run("ovs-ofctl show br-int")).toMatchObject({
      stderr: "\nCommand 'ovs-ofctl' not found, but can be installed with:\n\nsudo apt install openvswitch-switch\n\n", code: 127,
    });
    expect(s.run("echo $?").stdout).toBe("127\n");
    expect(s.run("./run.sh")).toMatchObject({ stderr: "bash: ./run.sh: No such file or directory\n", code: 127 });
  });

  it("lists, pipelines, negation and redirections", () => {
    const s = on("worker1");
    expect(s.run("false && echo yes || echo no").stdout).toBe("no\n");
    expect(s.run("ip route | grep onlink | wc -l").stdout).toBe("2\n");
    expect(s.run("! true").code).toBe(1);
    expect(s.run("foo 2>/dev/null")).toMatchObject({ stdout: "", stderr: "", code: 127 });
    expect(s.run("foo 2>&1")).toMatchObject({ stdout: "foo: command not found\n", stderr: "" });
    expect(s.run("ip route > routes; cat < routes | head -1").stdout).toBe("default via 10.79.1.1 dev ens160 proto static \n");
    expect(s.run("echo 'unterminated")).toMatchObject({ code: 2, stderr: expect.stringContaining("unexpected EOF while looking for matching `''") });
  });

  it("the user is not root: iptables and conntrack need sudo", () => {
    const s = on("worker1");
    expect(s.run("iptables -t nat -L -n -v")).toEqual({
      stdout: "",
      stderr: "iptables v1.6.1: can't initialize iptables table `nat': Permission denied (you must be root)\nPerhaps iptables or your kernel needs to be upgraded.\n",
      code: 3,
      prompt: "vmware@worker1:~$",
    });
    expect(s.run("conntrack -L").code).toBe(1);
    const r = s.run("sudo iptables -t nat -L -n -v");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Chain KUBE-SVC-EKL7ZEFK3VFJKKGJ (1 references)\n");
    expect(s.run("sudo iptables -t nat -L NOPE")).toMatchObject({ stderr: "iptables: No chain/target/match by that name.\n", code: 1 });
    expect(s.run("sudo iptables -t bogus -L").code).toBe(3);
    expect(s.run("sudo iptables -t nat")).toMatchObject({ code: 2, stderr: expect.stringContaining("no command specified") });
    s.run("sudo -i");
    expect(s.prompt).toBe("root@worker1:~#");
    expect(s.run("iptables -t nat -S KUBE-SEP-6PRWOLZVS5LKSHLK").stdout).toBe(
      "-N KUBE-SEP-6PRWOLZVS5LKSHLK\n" +
        '-A KUBE-SEP-6PRWOLZVS5LKSHLK -s 10.222.1.47/32 -m comment --comment "default/backendsvc:" -j KUBE-MARK-MASQ\n' +
        '-A KUBE-SEP-6PRWOLZVS5LKSHLK -p tcp -m comment --comment "default/backendsvc:" -m tcp -j DNAT --to-destination 10.222.1.47:80\n',
    );
    expect(s.run("iptables-save -t nat | grep -c '^-A KUBE-SVC-EKL7ZEFK3VFJKKGJ'").stdout).toBe("2\n");
    s.run("exit");
    expect(s.prompt).toBe("vmware@worker1:~$");
  });

  it("the Node reaches a ClusterIP itself: OUTPUT DNAT, masquerade to antrea-gw0, un-NAT on the way in", () => {
    const c = seedCluster();
    // backend1 (same Node): table 90 lets the local gateway address in; the reply is un-NATed on delivery.
    const local = traceCluster(c, { from: "worker1", to: "backendsvc", endpoint: "backend1", reply: true });
    expect(local.delivered_to).toBe("backend1");
    expect((local.hops[0] as HostHop).nat).toEqual([
      expect.stringMatching(/^DNAT 10\.104\.65\.133:80 -> 10\.222\.1\.47:80$/),
      expect.stringMatching(/^MASQUERADE 10\.79\.1\.201:\d+ -> 10\.222\.1\.1:\d+$/),
    ]);
    expect(local.reply!.delivered_to).toBe("worker1");
    expect((local.reply!.hops.at(-1) as HostHop).packet).toMatchObject({ src: "10.104.65.133", dst: "10.79.1.201" });
    // backend2: worker1's gateway address is no exception on worker2, so backendpolicy's isolation drops it.
    const remote = traceCluster(c, { from: "worker1", to: "backendsvc", endpoint: "backend2" });
    expect(remote.dropped_at).toMatchObject({ node: "worker2", table: 100 });
    const out = new ShellSession(c, "worker1").run("curl -s -S -m 1 10.104.65.133");
    expect(out.stdout === "Praqma Network MultiTool (with NGINX) - backend1 - 10.222.1.47/24\n" || out.stderr === "curl: (28) Connection timed out after 1001 milliseconds\n").toBe(true);
    expect(new ShellSession(c, "worker1").run("ip route get 10.222.2.34").stdout).toBe("10.222.2.34 via 10.222.2.1 dev antrea-gw0 src 10.222.1.1 uid 1000 \n    cache \n");
  });

  it("kubectl works only where the kubeconfig is (master)", () => {
    expect(on("worker1").run("kubectl get pods")).toMatchObject({
      stderr: "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n", code: 1,
    });
    expect(on("master").run("k get po").code).toBe(0);
  });
});

describe("kubectl", () => {
  it("get: errors and empty results as kubectl and the API server word them", () => {
    const s = on("master");
    expect(s.run("kubectl get foo")).toMatchObject({ stderr: 'error: the server doesn\'t have a resource type "foo"\n', code: 1 });
    expect(s.run("kubectl get pod nosuch")).toMatchObject({ stderr: 'Error from server (NotFound): pods "nosuch" not found\n', code: 1 });
    expect(s.run("kubectl get netpol -n kube-system")).toMatchObject({ stdout: "", stderr: "No resources found in kube-system namespace.\n", code: 0 });
    expect(s.run("kubectl get svc -n kube-system -o wide").stdout).toContain("kube-dns        ClusterIP   10.96.0.10       <none>        53/UDP,53/TCP,9153/TCP   ");
    expect(s.run("kubectl get pod frontend").stdout).toBe("NAME       READY   STATUS    RESTARTS   AGE\nfrontend   1/1     Running   0          7d17h\n");
    expect(s.run("kubectl get --bogus pods")).toMatchObject({ code: 1, stderr: expect.stringContaining("unknown flag: --bogus") });
  });

  it("exec: container defaulting, missing Pods, containers and executables", () => {
    const s = on("master");
    const r = s.run("kubectl exec -n kube-system antrea-agent-f76q2 -- antctl version");
    expect(r.stderr).toBe("Defaulting container name to antrea-agent.\nUse 'kubectl describe pod/antrea-agent-f76q2 -n kube-system' to see all of the containers in this pod.\n");
    expect(r.stdout).toBe("antctlVersion: v0.10.0-dev-4ed2c67\nagentVersion: v0.10.0-dev-4ed2c67\n");
    expect(s.run("kubectl exec antrea-agent-f76q2 -- ls")).toMatchObject({ stderr: 'Error from server (NotFound): pods "antrea-agent-f76q2" not found\n', code: 1 });
    expect(s.run("kubectl exec frontend -c nope -- ls")).toMatchObject({ stderr: 'error: unable to upgrade connection: container not found ("nope")\n', code: 1 });
    expect(s.run("kubectl exec frontend -- nosuchtool")).toMatchObject({
      stderr: 'OCI runtime exec failed: exec failed: container_linux.go:349: starting container process caused "exec: \\"nosuchtool\\": executable file not found in $PATH": unknown\ncommand terminated with exit code 126\n',
      code: 126,
    });
    expect(s.run("kubectl exec frontend")).toMatchObject({ stderr: "error: you must specify at least one command for the container\n", code: 1 });
  });

  it("exec without -t: ovs-ofctl shows port numbers; with -t, names", () => {
    const s = on("master");
    const plain = s.run("kubectl exec -n kube-system antrea-agent-f76q2 -c antrea-ovs -- ovs-ofctl dump-flows br-int table=80 --no-stats").stdout;
    expect(plain).toContain("actions=load:0x31->NXM_NX_REG1[]");
    expect(plain).not.toContain('"frontend-a3ba2f"');
    const tty = s.run("kubectl exec -it -n kube-system antrea-agent-f76q2 -c antrea-ovs -- ovs-ofctl dump-flows br-int table=0 --no-stats").stdout;
    expect(tty).toContain('in_port="frontend-a3ba2f"');
  });

  it("an interactive shell in a Pod, with busybox's wording", () => {
    const s = on("master");
    s.run("kubectl exec -it frontend -- sh");
    expect(s.prompt).toBe("/ #");
    expect(s.run("hostname").stdout).toBe("frontend\n");
    expect(s.run("kubectl get pods")).toMatchObject({ stderr: "sh: kubectl: not found\n", code: 127 });
    expect(s.run("echo 'x")).toMatchObject({ stderr: "sh: syntax error: unterminated quoted string\n", code: 2 });
    expect(s.run("ip route").stdout).toBe("default via 10.222.1.1 dev eth0 \n10.222.1.0/24 dev eth0 proto kernel scope link src 10.222.1.48 \n");
    expect(s.run("exit").code).toBe(0);
    expect(s.prompt).toBe("vmware@master:~$");
    expect(s.run("kubectl exec frontend -- sh -c 'hostname; ip r | head -1'").stdout).toBe("frontend\ndefault via 10.222.1.1 dev eth0 \n");
  });
});

describe("curl", () => {
  it("resolves Service names through kube-dns, and fails as curl does when policy drops", () => {
    const s = on("master");
    expect(s.run("kubectl exec frontend -- curl -s backendsvc.default.svc.cluster.local").stdout).toMatch(/^Praqma Network MultiTool \(with NGINX\) - backend[12] - /);
    expect(s.run("kubectl exec frontend -- curl nosuchsvc")).toMatchObject({ stderr: "curl: (6) Could not resolve host: nosuchsvc\ncommand terminated with exit code 6\n", code: 6 });
    // backendpolicy isolates backend1's egress: even its DNS query is dropped.
    expect(s.run("kubectl exec backend1 -- curl backendsvc").stderr).toBe("curl: (6) Could not resolve host: backendsvc\ncommand terminated with exit code 6\n");
    expect(s.run("kubectl exec backend1 -- curl --connect-timeout 3 10.222.1.48")).toMatchObject({
      stderr: "curl: (28) Connection timed out after 3001 milliseconds\ncommand terminated with exit code 28\n", code: 28,
    });
    expect(s.run("kubectl exec backend1 -- curl 10.222.1.48").stderr).toBe(
      "curl: (7) Failed to connect to 10.222.1.48 port 80: Operation timed out\ncommand terminated with exit code 7\n",
    );
    // frontendpolicy allows TCP 80 to the backends only.
    expect(s.run("kubectl exec frontend -- curl -s 10.222.2.34:8080").code).toBe(7);
  });

  it("a port nobody listens on is refused (the RST makes it back)", () => {
    const s = on("worker2");
    expect(s.run("curl 10.222.2.34:8080")).toMatchObject({ stderr: "curl: (7) Failed to connect to 10.222.2.34 port 8080: Connection refused\n", code: 7 });
    expect(s.run("curl backendsvc")).toMatchObject({ stderr: "curl: (6) Could not resolve host: backendsvc\n", code: 6 });
  });

  it("leaves conntrack entries on the Node that DNATed", () => {
    const c = seedCluster();
    new ShellSession(c, "master").run("kubectl exec frontend -- curl -s backendsvc");
    const r = new ShellSession(c, "worker1").run("sudo conntrack -L -p tcp");
    expect(r.stdout).toMatch(/^tcp      6 432000 ESTABLISHED src=10\.222\.1\.48 dst=10\.104\.65\.133 sport=\d+ dport=80 src=10\.222\.1\.47 dst=10\.222\.1\.48 sport=80 dport=\d+ \[ASSURED\] mark=0 use=1\n$/);
    expect(r.stderr).toBe("conntrack v1.4.4 (conntrack-tools): 1 flow entries have been shown.\n");
  });
});

describe("ip filters", () => {
  it("filters routes and neighbours on a device, leaving dev out as iproute2 does", () => {
    const s = new ShellSession(seedCluster(), "worker1");
    expect(s.run("ip route show dev antrea-gw0").stdout).toBe(
      "10.222.0.0/24 via 10.222.0.1 onlink \n10.222.1.0/24 proto kernel scope link src 10.222.1.1 \n10.222.2.0/24 via 10.222.2.1 onlink \n",
    );
    expect(s.run("ip neigh show 10.79.1.5").stdout).toBe("10.79.1.5 dev ens160 lladdr 00:0c:29:de:2c:c9 REACHABLE\n");
    expect(s.run("ip neigh show dev antrea-gw0").stdout).toBe("");
    expect(s.run("ip neigh show dev foo")).toMatchObject({ stderr: 'Cannot find device "foo"\n', code: 1 });
  });
});
