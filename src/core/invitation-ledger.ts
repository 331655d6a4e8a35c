/**
 * pms-sync's own record of the invitations it asked OpenApp for, one entry per person and
 * building. The applier writes `intent` before it calls OpenApp (create or resend) and `sent`
 * after the call succeeded, so a crash between the two leaves an `intent` that tells the next run
 * a message may have gone out. The invitation planner reads it; it never writes it.
 */

/** Whom an invitation is for: OpenApp invites an email, else a phone. */
export interface InvitationContact {
  email: string | null;
  phone: string | null;
}

export interface InvitationLedgerEntry {
  contact: InvitationContact;
  integrationId: string;
  /** `intent`: recorded before a call that may or may not have reached OpenApp; `sent`: it did. */
  state: 'intent' | 'sent';
  /** OpenApp's invitation id, once known (absent on the intent of a first create). */
  invitationId?: string;
  /** Messages pms-sync has sent for this person and building (create plus resends). */
  sends: number;
  /** ISO instant of the last message known to have gone out. */
  lastSentAt: string | null;
  /** ISO instant this entry was written. */
  recordedAt: string;
  /** ISO instant before which OpenApp asked not to send again (429 with Retry-After). */
  notBefore?: string;
  /** For reports: the resident's name and units as the PMS gave them when invited. */
  name?: string;
  units?: string[];
  /** The PMS record keys invited: linked to the OpenApp user once they accept. */
  keys?: string[];
}

/** Lower-cased email, else the phone without spaces and punctuation: one person's key. */
export function contactKey(contact: InvitationContact): string | undefined {
  const email = contact.email?.trim().toLowerCase();
  if (email) return `email:${email}`;
  const phone = normalizePhone(contact.phone);
  return phone ? `phone:${phone}` : undefined;
}

export function normalizePhone(phone: string | null | undefined): string | undefined {
  const digits = phone?.replace(/[\s().-]/g, '');
  return digits ? digits : undefined;
}

/** Whether two contacts are the same person: same email (any case), or same phone. */
export function sameContact(a: InvitationContact, b: InvitationContact): boolean {
  const ea = a.email?.trim().toLowerCase();
  const eb = b.email?.trim().toLowerCase();
  if (ea && eb && ea === eb) return true;
  const pa = normalizePhone(a.phone);
  const pb = normalizePhone(b.phone);
  return !!pa && pa === pb;
}
