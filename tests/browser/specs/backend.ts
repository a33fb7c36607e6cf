// The partners' backend, for specs that act as staff: LOTSE_BACKEND_URL and LOTSE_STAFF_TOKEN (the API
// token of a Handwerkskammer Hannover account; default: from ../../var/dev-credentials.json of `make run`).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type APIRequestContext, expect } from "@playwright/test";

export const BACKEND_URL = (process.env.LOTSE_BACKEND_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");

function hwkStaffToken(): string {
  const fromEnv = process.env.LOTSE_STAFF_TOKEN;
  if (fromEnv) return fromEnv;
  const path = resolve(process.cwd(), "../../var/dev-credentials.json");
  const entries = JSON.parse(readFileSync(path, "utf-8")) as Record<string, { api_token: string }>;
  return entries.hwk_hannover.api_token;
}

/** Staff move a ticket to a new status through the backend's API, as the staff UI would. */
export async function changeStatus(request: APIRequestContext, reference: string, to: string): Promise<void> {
  const response = await request.post(`${BACKEND_URL}/api/v1/tickets/${reference}/transitions`, {
    data: { to },
    headers: { Authorization: `Bearer ${hwkStaffToken()}` },
  });
  expect(response.status(), await response.text()).toBe(200);
}
