/** Small pieces every console page shows the same way: times, statuses, building names. */
import { DateTime } from 'luxon';
import type { Feed } from '../../feeds/load-feeds.js';
import { html, type SafeHtml } from './html.js';

/** A time as ops staff read it, in the given zone (a feed's), with the exact instant for machines. */
export function formatTime(iso: string | number | undefined | null, zone = 'UTC'): SafeHtml {
  if (iso === undefined || iso === null) return html`<span class="muted">never</span>`;
  const t = typeof iso === 'number' ? DateTime.fromMillis(iso) : DateTime.fromISO(iso);
  if (!t.isValid) return html`${String(iso)}`;
  return html`<time datetime="${t.toUTC().toISO() ?? ''}"
    >${t.setZone(zone).toFormat('yyyy-LL-dd HH:mm ZZZZ')}</time
  >`;
}

/** A status with a colour class, and its word, so colour is never the only signal. */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="status status-${status.replace(/[^a-z_]/g, '')}"
    >${status.replace('_', ' ')}</span
  >`;
}

/**
 * What pages need to know about the feeds to speak like ops staff: a building's name ("Maple
 * Court", from the mappings' tables) and the time zone a feed's or building's times are read in.
 */
export class Directory {
  private readonly names = new Map<string, Set<string>>();
  private readonly zones = new Map<string, string>();
  private readonly buildingZones = new Map<string, string>();

  constructor(feeds: ReadonlyMap<string, Feed>) {
    for (const feed of feeds.values()) {
      const zone = feed.mapping.access.time_zone;
      this.zones.set(feed.config.name, zone);
      for (const b of feed.buildings) this.buildingZones.set(b, zone);
      for (const row of feed.mapping.buildings.table) {
        if (!row.property) continue;
        const set = this.names.get(row.integration_id) ?? new Set<string>();
        set.add(row.unit_pattern ? `${row.property} (units ${row.unit_pattern})` : row.property);
        this.names.set(row.integration_id, set);
      }
    }
  }

  /** The building's property name(s), or its integration id when the mapping names none. */
  building(integrationId: string): string {
    const names = this.names.get(integrationId);
    return names ? [...names].join(' / ') : integrationId;
  }

  zoneOfFeed(feed: string): string {
    return this.zones.get(feed) ?? 'UTC';
  }

  zoneOfBuilding(integrationId: string): string {
    return this.buildingZones.get(integrationId) ?? 'UTC';
  }

  /** The run's scope in words: the whole feed, or one building of it. */
  runScope(run: { feed: string; building: string | null }): string {
    return run.building ? `${run.feed}: ${this.building(run.building)}` : `${run.feed}: all buildings`;
  }
}
