// Helpers for the staff UI specs: dev credentials, seeding tickets through the API, logging in.
import { createHash, createHmac } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

type Entry = { username?: string; password?: string; api_token: string; totp_secret?: string };
type Credentials = Record<"ihk_hannover" | "hwk_hannover" | "welcome_center" | "zentralstelle" | "admin" | "bot", Entry>;

export function credentials(): Credentials {
  const path = resolve(process.cwd(), process.env.LOTSE_DEV_CREDENTIALS ?? "../../var/dev-credentials.json");
  return JSON.parse(readFileSync(path, "utf-8")) as Credentials;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function newReference(): string {
  let suffix = "";
  for (let i = 0; i < 6; i += 1) suffix += CROCKFORD[Math.floor(Math.random() * CROCKFORD.length)];
  return `LT-2026-${suffix}`;
}

const ORG_NAMES: Record<string, string> = {
  ihk_hannover: "IHK Hannover",
  hwk_hannover: "Handwerkskammer Hannover",
  welcome_center: "Welcome Center Region Hannover",
};

// The body as in tests/backend/ticket_bodies.py (FULL_BODY).
export async function seedTicket(
  request: APIRequestContext,
  org: string,
  caseOverrides: Record<string, unknown> = {},
): Promise<string> {
  const reference = newReference();
  const body = {
    reference,
    language: "de",
    case: {
      company_name: "Tischlerei Beispiel GmbH",
      business_type: "craft",
      workplace_municipality: "garbsen",
      workplace_postcode: "30823",
      residence_municipality: "hannover",
      contact_name: "Erika Mustermann",
      contact_email: "erika@tischlerei-beispiel.de",
      contact_phone: "+49 511 123456",
      occupation: "Tischler",
      qualification: { type: "vocational", country: "TR", recognition_status: "not_started" },
      nationality: "TR",
      country_of_residence: "TR",
      start_date: "2027-03-01",
      salary_annual_eur: 52000,
      collective_agreement: true,
      age_band: "under_45",
      family_members: 2,
      contact_language: "de",
      ...caseOverrides,
    },
    routing: {
      pre_check_org: { id: org, name: ORG_NAMES[org] },
      recognition_body: { id: "hwk_hannover", name: "Handwerkskammer Hannover" },
      forward_to: {
        id: "zentralstelle",
        name: "Zentralstelle für das beschleunigte Fachkräfteverfahren (LAB NI, Osnabrück)",
      },
      after_entry_office: { id: "abh_region_hannover", name: "Ausländerbehörde Region Hannover" },
    },
    checklist: [
      { item: "vollmacht", state: "missing" },
      { item: "passport_copy", state: "received" },
    ],
    no_prospect: { flag: false, reasons: [] },
    candidate_link_code: "9F4K-2QXM-7TZA",
    consent: { given_at: "2026-11-26T10:00:00+01:00", text_version: "2026-11" },
  };
  const response = await request.post("api/v1/tickets", {
    data: body,
    headers: { Authorization: `Bearer ${credentials().bot.api_token}` },
  });
  expect(response.status()).toBe(201);
  return reference;
}

// RFC 6238 (SHA-1, 6 digits, 30 s): the admins' second factor, as an authenticator app shows it.
export function totp(base32Secret: string, at: number = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const character of base32Secret.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(character).toString(2).padStart(5, "0");
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return ((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}

// The backend refuses a code of a time step already used (replay protection): a second admin login within
// the same 30 s waits for the next step. The step is kept in a file, as spec files may run in other processes.
async function unusedTotp(base32Secret: string): Promise<string> {
  const record = join(tmpdir(), `lotse-totp-${createHash("sha256").update(base32Secret).digest("hex").slice(0, 16)}`);
  const last = existsSync(record) ? Number(readFileSync(record, "utf-8")) : -1;
  let step = Math.floor(Date.now() / 30_000);
  if (step <= last) {
    await new Promise((done) => setTimeout(done, (last + 1) * 30_000 - Date.now() + 200));
    step = Math.floor(Date.now() / 30_000);
  }
  writeFileSync(record, String(step));
  return totp(base32Secret, step * 30_000);
}

export async function logIn(page: Page, account: keyof Credentials): Promise<void> {
  const entry = credentials()[account];
  await page.goto("staff/login");
  await page.getByLabel("Benutzername").fill(entry.username ?? "");
  await page.getByLabel("Passwort").fill(entry.password ?? "");
  if (entry.totp_secret) await page.getByLabel(/Code aus der Authenticator-App/).fill(await unusedTotp(entry.totp_secret));
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Eingang" })).toBeVisible();
}
