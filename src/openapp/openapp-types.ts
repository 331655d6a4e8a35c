/** The shapes the rest of pms-sync sees, the same whichever API generation is spoken. */

export interface BuildingUser {
  userId: string;
  role: string;
  /** Apartment (2025) or directory listing (2026) entity ids. */
  units: string[];
  email: string | null;
  name: string | undefined;
}

export interface OpenAppUser {
  id: string;
  name: string | undefined;
  email: string;
  phone: string | null;
  roles: Record<string, string[]>;
}

export interface Integration {
  id: string;
  orgId: string;
  providerType: string;
  name: string | undefined;
  /** Every locale's name, for matching. */
  names: string[];
  enabled: boolean;
  health: string;
}

export interface SiteAccess {
  integrationId: string;
  role: string;
}

export interface OrgInvitation {
  id: string;
  orgId: string;
  channel: string;
  /** As OpenApp reports it; pending / accepted / expired / cancelled are the known values. */
  status: string;
  email: string | null;
  phone: string | null;
  siteAccess: SiteAccess | null;
  defaultRoles: string[];
  expiresAt: string;
  sentCount: number;
  lastSentAt: string | null;
  acceptedUserId: string | null;
  createdAt: string;
}
