import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { usePg } from "../../../../test/helpers/test-db.js";
import { usesBulkThread } from "./bulk.thread.js";

// On an SQLite file, import batches are reconciled on the bulk thread (bulk.thread.ts): every test runs there too.
const VARIANTS = usePg ? [{ where: "PostgreSQL", fileDb: false }] : [{ where: "in process (SQLite in memory)", fileDb: false }, { where: "with the bulk thread (SQLite file)", fileDb: true }];

describe.each(VARIANTS)("CMDB CSV import and export, $where", ({ fileDb }) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, { fileDb });
  });
  afterEach(async () => {
    if (!usePg) expect(usesBulkThread(t.db)).toBe(fileDb);
    await t.close();
  });

  const importCsv = (csv: string, qs = "", headers: Record<string, string> = t.admin.auth) =>
    t.app.inject({ method: "POST", url: `/api/v1/cmdb/import${qs ? `?${qs}` : ""}`, headers: { ...headers, "content-type": "text/csv" }, payload: csv });
  const imported = async (csv: string, qs = "") => {
    const res = await importCsv(csv, qs);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const cis = async (qs = "") => (await t.app.inject({ url: `/api/v1/cis?limit=500&${qs}`, headers: t.admin.auth })).json();
  const group = async (name: string) => (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name } })).json();

  it("creates CIs, then updates them on a second import without duplicates", async () => {
    const unix = await group("Unix Team");
    const first = await imported(
      [
        "name,class,environment,serial_number,hostname,ip_addresses,support_group,attr.os_version,cpu_count,lifecycle_status",
        'web-01,linux_server,production,SN-1,web-01.lan,"10.0.0.1;10.0.0.2",Unix Team,12,4,in_service',
        "web-02,linux_server,production,SN-2,web-02.lan,10.0.0.3 10.0.0.4,unix team,12,8,Deployed",
        "mail,business_service,production,,,,,,,",
      ].join("\n"),
    );
    expect(first.counts).toEqual({ rows: 3, created: 3, updated: 0, unchanged: 0, errors: 0 });
    expect(first.columns).toMatchObject({ serial_number: "identifiers.serialNumber", cpu_count: "attributes.cpu_count", support_group: "supportGroupId" });
    const web1 = (await cis("q=SN-1")).items[0];
    expect(web1).toMatchObject({ name: "web-01", class: "linux_server", supportGroupId: unix.id, attributes: { os_version: "12", cpu_count: 4 } });
    expect(web1.identifiers.ipAddresses).toEqual(["10.0.0.1", "10.0.0.2"]);

    const second = await imported(["serial_number,name,class,attr.os_version", "SN-1,web-01,server,13", "SN-2,web-02,server,12", "SN-3,web-03,server,12"].join("\n"));
    expect(second.counts).toEqual({ rows: 3, created: 1, updated: 1, unchanged: 1, errors: 0 });
    const all = await cis("class=server");
    expect(all.total).toBe(3);
    // "server" from the file does not demote a linux_server.
    expect(all.items.find((c: { name: string }) => c.name === "web-01")).toMatchObject({ class: "linux_server", attributes: { os_version: "13" } });
  });

  it("dry run reports the diff per row and writes nothing", async () => {
    await imported("name,class,serial_number,attr.os_version\nweb-01,linux_server,SN-1,12");
    const before = (await t.app.inject({ url: "/api/v1/audit?limit=500", headers: t.admin.auth })).json().total;
    const dry = await imported("name,class,serial_number,attr.os_version,attr.cpu_count\nweb-01,linux_server,SN-1,13,4\nweb-09,linux_server,SN-9,12,\nweb-01,linux_server,SN-1,13,4", "dryRun=true");
    expect(dry.dryRun).toBe(true);
    expect(dry.counts).toMatchObject({ rows: 3, created: 1, updated: 1, unchanged: 1 });
    const change = dry.changes.find((c: { row: number }) => c.row === 1);
    expect(change).toMatchObject({ outcome: "updated", name: "web-01" });
    expect(change.changes).toEqual([
      { field: "attributes.cpu_count", old: null, new: 4 },
      { field: "attributes.os_version", old: "12", new: "13" },
    ]);
    expect(dry.changes.find((c: { row: number }) => c.row === 2)).toMatchObject({ outcome: "created", ciId: null, name: "web-09" });
    expect((await cis()).total).toBe(1);
    expect((await cis()).items[0].attributes).toEqual({ os_version: "12" });
    expect((await t.app.inject({ url: "/api/v1/audit?limit=500", headers: t.admin.auth })).json().total).toBe(before);
  });

  it("names the row and the column of every bad row and imports the good ones", async () => {
    const res = await imported(
      [
        "Name,Class,Serial,cpu_count,IP Addresses,support_group,lifecycle_status",
        "ok-1,linux_server,A1,2,10.0.0.1,,",
        "bad-cpu,linux_server,A2,many,,,",
        "bad-class,spaceship,A3,,,,",
        "bad-ip,linux_server,A4,,300.1.1.1,,",
        "bad-group,linux_server,A5,,,Nobody,",
        "bad-status,linux_server,A6,,,,exploded",
        "ok-2,linux_server,A7,,,,",
        "dup-serial,linux_server,A1,,,,",
      ].join("\r\n"),
    );
    expect(res.counts).toMatchObject({ rows: 8, created: 2, errors: 5 });
    expect(res.errors.map((e: { row: number; line: number; field: string | null }) => [e.row, e.line, e.field])).toEqual([
      [2, 3, "cpu_count"],
      [3, 4, "Class"],
      [4, 5, "IP Addresses"],
      [5, 6, "support_group"],
      [6, 7, "lifecycle_status"],
    ]);
    // The same serial later in the file is the same CI: updated, not duplicated.
    expect(res.counts.updated).toBe(1);
    expect((await cis()).total).toBe(2);
  });

  it("understands Snipe-IT and GLPI exports", async () => {
    const attr = await t.app.inject({ method: "POST", url: "/api/v1/ci-classes/endpoint/attributes", headers: t.admin.auth, payload: { name: "asset_tag", type: "string" } });
    expect(attr.statusCode, attr.body).toBe(201);
    const snipe = await imported(
      [
        "Asset Tag,Asset Name,Serial,Model,Manufacturer,Category,Status,Checked Out To,Location,Warranty Expires,MAC Address",
        "A-0001,LT-ANN,C02XK1,MacBook Pro 14,Apple,Laptops,Deployed,Ann Smith,Berlin,2026-05-01,a4:83:e7:01:02:03",
        "A-0002,,C02XK2,MacBook Air,Apple,Laptops,Ready to Deploy,,Berlin,,",
        "A-0003,SRV-1,DELL123,PowerEdge R650,Dell,Servers,Out for Repair,,Berlin,,",
      ].join("\n"),
    );
    expect(snipe.counts, JSON.stringify(snipe.errors)).toMatchObject({ created: 3, errors: 0 });
    expect(snipe.columns).toMatchObject({ "Asset Name": "name", Serial: "identifiers.serialNumber", "Asset Tag": "attributes.asset_tag", Category: "class", Status: "lifecycleStatus" });
    // Servers have no asset tag, location or assignee attribute: skipped with a warning, not an error.
    expect(snipe.warnings.join("\n")).toContain("Asset Tag");
    const ann = (await cis("q=C02XK1")).items[0];
    expect(ann).toMatchObject({ name: "LT-ANN", class: "laptop", lifecycleStatus: "in_service", attributes: { model: "MacBook Pro 14", manufacturer: "Apple", asset_tag: "A-0001", assigned_to: "Ann Smith", warranty_expires: "2026-05-01" } });
    expect((await cis("q=C02XK2")).items[0]).toMatchObject({ name: "C02XK2", lifecycleStatus: "planned" });
    expect((await cis("q=DELL123")).items[0]).toMatchObject({ class: "server", lifecycleStatus: "maintenance" });

    const glpi = await imported(
      [
        "Name;Entity;Serial number;Inventory number;Type;Status;Location;Manufacturer;Model;Operating system - Name;Operating system - Version",
        "PC-0042;Root entity;GLPI-SN-42;INV-42;Desktop;In use;Paris;Lenovo;ThinkCentre;Windows;11",
        "LT-ANN;Root entity;C02XK1;A-0001;Laptop;In use;Berlin;Apple;MacBook Pro 14;macOS;15",
      ].join("\n"),
    );
    expect(glpi.counts, JSON.stringify(glpi.errors)).toMatchObject({ created: 1, updated: 1, errors: 0 });
    expect(glpi.ignoredColumns).toEqual(["Entity"]);
    expect((await cis("q=GLPI-SN-42")).items[0]).toMatchObject({ name: "PC-0042", class: "desktop", attributes: { os: "Windows", os_version: "11", asset_tag: "INV-42" } });
    expect((await cis("class=endpoint")).total).toBe(3);
  });

  it("exports the column set import reads: export then import changes nothing", async () => {
    const ops = await group("Ops");
    await imported(
      [
        "name,class,environment,criticality,operational_status,serial_number,fqdn,ip_addresses,owner_group,attr.os_version,attr.virtual,attr.memory_mb",
        "db-01,linux_server,production,high,degraded,S1,db-01.example.com,10.1.0.1;10.1.0.2,Ops,12,false,2048",
        '"web ""edge"", 1",linux_server,staging,,up,S2,,,,12,true,',
        "orders-db,database,production,,,,,,,,,",
        "shop,business_service,production,critical,,,,,,,,",
      ].join("\n"),
    );
    await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "database", name: "billing-db", attributes: { engine: "postgresql" }, ownerGroupId: ops.id } });
    const exp = await t.app.inject({ url: "/api/v1/cmdb/export", headers: t.admin.auth });
    expect(exp.statusCode).toBe(200);
    expect(exp.headers["content-type"]).toContain("text/csv");
    const lines = exp.body.trim().split("\n");
    expect(lines[0]).toMatch(/^id,name,class,lifecycle_status,operational_status,environment,criticality,support_group,owner_group,serial_number,fqdn,hostname,ip_addresses/);
    expect(lines).toHaveLength(6);
    expect(exp.body).toContain("10.1.0.1;10.1.0.2");
    const again = await imported(exp.body);
    expect(again.counts).toEqual({ rows: 5, created: 0, updated: 0, unchanged: 5, errors: 0 });
    expect((await cis()).total).toBe(5);
    const servers = await t.app.inject({ url: "/api/v1/cmdb/export?class=server&environment=production", headers: t.admin.auth });
    expect(servers.body.trim().split("\n")).toHaveLength(2);
    expect(servers.body).not.toContain("attr.engine");
    const bad = await t.app.inject({ url: "/api/v1/cmdb/export?class=spaceship", headers: t.admin.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe("class");
  });

  it("matches a row by the CI id it names before any rule, and by the rules when no CI has that id", async () => {
    await imported("name,class,serial_number,attr.os_version\nweb-01,linux_server,SN-1,12\nweb-02,linux_server,SN-2,12");
    const web1 = (await cis("q=SN-1")).items[0];
    // The serial changed in the spreadsheet: the rules alone would create a new CI, the id says which one it is.
    const csv = `id,name,class,serial_number,attr.os_version\n${web1.id},web-01,linux_server,SN-1B,13\nnot-a-ci-id,web-02,linux_server,SN-2,14`;
    const dry = await imported(csv, "dryRun=true");
    expect(dry.counts).toMatchObject({ created: 0, updated: 2, errors: 0 });
    expect(dry.changes.find((c: { row: number }) => c.row === 1)).toMatchObject({
      outcome: "updated",
      ciId: web1.id,
      changes: [
        { field: "attributes.os_version", old: "12", new: "13" },
        { field: "identifiers.serialNumber", old: "SN-1", new: "SN-1B" },
      ],
    });
    const real = await imported(csv);
    expect(real.counts).toMatchObject({ created: 0, updated: 2, errors: 0 });
    expect((await cis()).total).toBe(2);
    expect((await cis("q=SN-1B")).items[0]).toMatchObject({ id: web1.id, attributes: { os_version: "13" } });
    expect((await cis("q=SN-2")).items[0].attributes).toEqual({ os_version: "14" });
  });

  it("uses declared match keys and the default class", async () => {
    await imported("name,class,hostname\nbuild-01,linux_server,build-01");
    // Hosts are not matched by name by default ...
    const byRules = await imported("name,class\nbuild-01,linux_server", "dryRun=true");
    expect(byRules.counts.created).toBe(1);
    // ... unless the import declares name as its match key.
    const byName = await imported("name,attr.os_version\nbuild-01,12", "match=name&class=linux_server");
    expect(byName.matchKeys).toEqual([["name"]]);
    expect(byName.counts).toMatchObject({ updated: 1, created: 0 });
    expect((await cis()).total).toBe(1);
    const badKey = await importCsv("name\nx", "match=colour");
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().details.field).toBe("match");
    const noClass = await imported("name\nx");
    expect(noClass.errors[0]).toMatchObject({ row: 1, error: "cmdb.missing_class" });
  });

  it("refuses requesters and viewers, non-CSV bodies and malformed CSV", async () => {
    for (const role of ["requester", "viewer"] as const) {
      const u = await t.user(role);
      const res = await importCsv("name,class\nx,server", "", u.auth);
      expect(res.statusCode).toBe(403);
    }
    const requester = await t.user("requester");
    expect((await t.app.inject({ url: "/api/v1/cmdb/export", headers: requester.auth })).statusCode).toBe(403);
    const json = await t.app.inject({ method: "POST", url: "/api/v1/cmdb/import", headers: t.admin.auth, payload: { name: "x" } });
    expect(json.statusCode).toBe(400);
    expect(json.json().details.field).toBe("content-type");
    const malformed = await importCsv('name,class\n"unclosed,server\n');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe("cmdb.csv_malformed");
    const noHeader = await importCsv("colour,size\nred,big");
    expect(noHeader.json().error).toBe("cmdb.csv_no_columns");
    // JSON routes still refuse CSV.
    const csvToJson = await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: { ...t.admin.auth, "content-type": "text/csv" }, payload: "name\nx" });
    expect(csvToJson.statusCode).toBe(400);
    expect(csvToJson.json().details.field).toBe("content-type");
  });
});
