/**
 * The two OpenApp API generations pms-sync speaks. They differ in how the key is sent and in the
 * name of the building-users collection (see ../shared/openapp-api.md §1 and §4).
 */
export const API_GENERATIONS = ['2025', '2026'] as const;
export type ApiGeneration = (typeof API_GENERATIONS)[number];

export interface GenerationTraits {
  /** Headers that carry the key. 2026 rejects an API key in `Authorization` with a 401. */
  authHeaders(apiKey: string): Record<string, string>;
  /** Path segment of the building-users collection under `/integrations/{id}/`. */
  buildingUsersSegment: 'building-users' | 'people';
  /** Org invitations (`/orgs/{id}/invitations`) exist only in the 2026 document. */
  hasOrgInvitations: boolean;
}

export const GENERATIONS: Record<ApiGeneration, GenerationTraits> = {
  '2025': {
    authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
    buildingUsersSegment: 'building-users',
    hasOrgInvitations: false,
  },
  '2026': {
    authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
    buildingUsersSegment: 'people',
    hasOrgInvitations: true,
  },
};
