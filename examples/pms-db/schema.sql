-- A small property-management database for the pms-sync demo and tests: properties, their units,
-- leases (status and move dates) and the residents on each lease, each row stamped with the time
-- it last changed (what a poll asks about). Portable SQL: the same file runs on PostgreSQL and on
-- MySQL / MariaDB. docker-compose.yml loads it, then seed.sql, into its postgres service.
-- Mapping: mappings/pms-db.yaml.

CREATE TABLE properties (
  property_id INTEGER NOT NULL PRIMARY KEY,
  -- An operator's group of properties: one pms-sync feed per portfolio.
  portfolio VARCHAR(40) NOT NULL,
  code VARCHAR(20) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL
);

CREATE TABLE units (
  unit_id INTEGER NOT NULL PRIMARY KEY,
  property_id INTEGER NOT NULL,
  unit_number VARCHAR(20) NOT NULL,
  CONSTRAINT units_property FOREIGN KEY (property_id) REFERENCES properties (property_id),
  CONSTRAINT units_number UNIQUE (property_id, unit_number)
);

CREATE TABLE leases (
  lease_id VARCHAR(20) NOT NULL PRIMARY KEY,
  unit_id INTEGER NOT NULL,
  -- Current, Notice, Future, Past, Eviction, Vacant, Applicant, Cancelled (or anything else: review).
  status VARCHAR(30) NOT NULL,
  move_in DATE,
  move_out DATE,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT leases_unit FOREIGN KEY (unit_id) REFERENCES units (unit_id)
);
CREATE INDEX leases_updated_at ON leases (updated_at);

CREATE TABLE residents (
  person_id VARCHAR(20) NOT NULL PRIMARY KEY,
  lease_id VARCHAR(20) NOT NULL,
  first_name VARCHAR(60) NOT NULL,
  last_name VARCHAR(60) NOT NULL,
  email VARCHAR(254),
  phone VARCHAR(40),
  -- Set when the PMS knows the resident's OpenApp account.
  openapp_user_id VARCHAR(26),
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT residents_lease FOREIGN KEY (lease_id) REFERENCES leases (lease_id)
);
CREATE INDEX residents_updated_at ON residents (updated_at);
