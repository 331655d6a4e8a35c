/**
 * Starts the users searches a plan needs while the export is still being read. Which residents
 * need one (granted access, no OpenApp user id, an email that is not among their building's
 * users) is known record by record once OpenApp's building users have been listed, which happens
 * early in the read; searching then, rather than after the last row, hides the searches' round
 * trips behind the rest of the read.
 *
 * An accelerator, never the authority: planSync still works out every email it needs and searches
 * any this did not; what this found for emails planSync does not need is ignored.
 */
import { buildingEmailIndex } from '../core/building-email-index.js';
import type { AccessRules } from '../core/access-window.js';
import { RecordAssessor, type Assessment } from '../core/record-assessment.js';
import type { ResidentRecord } from '../core/resident-record.js';
import type { CallOptions } from '../openapp/http-transport.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { BuildingUser } from '../openapp/openapp-types.js';

/** What planSync can take from the read: the records' verdicts and the accounts already found. */
export interface EarlyLookups {
  /** Undefined unless made from exactly the snapshot's records. */
  assessment: Assessment | undefined;
  /** Email -> ids of the OpenApp accounts a search found for it. */
  directory: ReadonlyMap<string, readonly string[]>;
  /**
   * Every email that needs a search (what `emailsToLookUp` gives for `assessment` and `actual`),
   * when every record was checked against `actual`: planSync then need not work it out again.
   */
  needed?: {
    actual: ReadonlyMap<string, readonly BuildingUser[]>;
    emails: readonly string[];
    /** By record index, for the searchable records: their building's user with that email, if any. */
    buildingMatches: readonly (string | undefined)[];
  };
}

export class LookupsAhead {
  private readonly assessor: RecordAssessor;
  private records: readonly ResidentRecord[] = [];
  /** Searchable records already checked against OpenApp's users. */
  private checked = 0;
  /** By record index: the building user with the record's email (checked records only). */
  private readonly matches: (string | undefined)[] = [];
  private actual: ReadonlyMap<string, readonly BuildingUser[]> | undefined;
  private readonly searches = new Map<string, Promise<string[]>>();

  constructor(
    private readonly client: OpenAppClient,
    access: AccessRules,
    now: number,
    private readonly callOptions: CallOptions = {},
  ) {
    this.assessor = new RecordAssessor(access, now);
  }

  /** The records read so far (the same list, grown): the new ones are judged now. */
  sawRecords(records: readonly ResidentRecord[]): void {
    this.records = records;
    this.assessor.judge(records);
    if (this.actual) this.search();
  }

  /** OpenApp's users per building, as the plan will use them. */
  sawBuildings(actual: ReadonlyMap<string, readonly BuildingUser[]>): void {
    this.actual = actual;
    this.search();
  }

  /** The verdicts of `records` (when they are the list this saw, whole) and every search's answer. */
  async result(records: readonly ResidentRecord[]): Promise<EarlyLookups> {
    const directory = new Map<string, readonly string[]>();
    for (const [email, search] of this.searches) directory.set(email, await search);
    const assessment = this.assessor.assessmentOf(records);
    const everyRecordChecked = assessment !== undefined && this.checked === assessment.searchable.length;
    return {
      assessment,
      directory,
      ...(everyRecordChecked && this.actual
        ? {
            needed: {
              actual: this.actual,
              emails: [...this.searches.keys()],
              buildingMatches: this.matches,
            },
          }
        : {}),
    };
  }

  private search(): void {
    const actual = this.actual;
    if (actual === undefined) return;
    const byBuilding = buildingEmailIndex(actual);
    const fresh = this.assessor.searchableFrom(this.checked);
    this.checked += fresh.length;
    // Exports list a building's rows together: the previous record's building is usually this one's.
    let lastId: string | undefined;
    let emails: ReadonlyMap<string, string> | undefined;
    for (const i of fresh) {
      const r = this.records[i] as ResidentRecord;
      const email = r.email as string;
      if (r.integrationId !== lastId) {
        lastId = r.integrationId;
        emails = byBuilding.get(lastId);
      }
      const match = emails?.get(email);
      if (match !== undefined) {
        this.matches[i] = match;
        continue;
      }
      if (this.searches.has(email)) continue;
      const search = this.client
        .findUsersByEmail(email, this.callOptions)
        .then((users) => users.map((u) => u.id));
      search.catch(() => {}); // reported by `result`; a read that fails first never asks
      this.searches.set(email, search);
    }
  }
}
