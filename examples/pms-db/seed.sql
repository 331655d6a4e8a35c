-- The demo PMS's data: the residents of examples/exports/generic-residents.csv (Maple Court and
-- Birch Tower of examples/openapp-seed.json), kept in a database. examples/pms-db/residents.csv
-- is what mappings/pms-db.yaml's query returns for it. Portable SQL (PostgreSQL, MySQL, MariaDB).

INSERT INTO properties (property_id, portfolio, code, name) VALUES
  (1, 'MAPLE', 'MAPLE-CT', 'Maple Court'),
  (2, 'MAPLE', 'BIRCH-TW', 'Birch Tower'),
  (3, 'OAK', 'OAK-ST', 'Oak Street Lofts');

INSERT INTO units (unit_id, property_id, unit_number) VALUES
  (101, 1, '101'), (102, 1, '102'), (103, 1, '103'), (104, 1, '104'), (105, 1, '105'),
  (1201, 2, '1201'), (1202, 2, '1202'), (1203, 2, '1203'), (1204, 2, '1204'),
  (3001, 3, '1A');

INSERT INTO leases (lease_id, unit_id, status, move_in, move_out, updated_at) VALUES
  ('L501', 101, 'Current', '2024-06-01', NULL, '2024-05-20 15:00:00'),
  ('L502', 102, 'Past', '2023-02-01', '2026-10-31', '2026-10-31 17:30:00'),
  ('L503', 103, 'Current', '2026-11-01', NULL, '2026-10-25 10:00:00'),
  ('L504', 104, 'Notice', '2025-03-01', '2026-12-15', '2026-11-10 09:15:00'),
  ('L505', 105, 'Pending Review', '2026-11-15', NULL, '2026-11-12 11:00:00'),
  ('L601', 1201, 'Current', '2025-09-15', NULL, '2025-09-01 08:00:00'),
  ('L602', 1202, 'Future', '2026-11-20', NULL, '2026-11-02 14:45:00'),
  ('L603', 1203, 'Current', '2026-01-10', NULL, '2026-01-05 16:20:00'),
  ('L604', 1204, 'Current', '2026-03-01', NULL, '2026-02-20 10:10:00'),
  ('L901', 3001, 'Current', '2025-01-01', NULL, '2025-01-01 09:00:00');

INSERT INTO residents (person_id, lease_id, first_name, last_name, email, phone, openapp_user_id, updated_at) VALUES
  ('P1001', 'L501', 'Ana', 'Gomez', 'ana.gomez@example.com', '(312) 555-0101', '01JHMXBGD068YSJKY5Y5XFM7F0', '2024-05-20 15:00:00'),
  ('P1002', 'L502', 'Eve', 'Martin', 'eve.martin@example.com', NULL, NULL, '2023-01-15 12:00:00'),
  ('P1003', 'L503', 'Gina', 'Liu', 'gina.liu@example.com', NULL, NULL, '2026-10-25 10:00:00'),
  ('P1004', 'L601', 'Dev', 'Singh', 'dev.singh@example.com', '+1 312 555 0144', NULL, '2025-09-01 08:00:00'),
  ('P1005', 'L602', 'Hana', 'New', 'hana.new@example.com', NULL, NULL, '2026-11-02 14:45:00'),
  ('P1006', 'L603', 'Ivan', 'Petrov', 'petrov.family@example.com', '312.555.0161', NULL, '2026-01-05 16:20:00'),
  ('P1007', 'L603', 'Julia', 'Petrov', 'petrov.family@example.com', NULL, NULL, '2026-01-05 16:20:00'),
  ('P1008', 'L504', 'Kofi', 'Mensah', 'kofi.mensah@example.com', '312-555-0177', NULL, '2025-03-01 10:00:00'),
  ('P1009', 'L505', 'Lena', 'Fischer', 'lena.fischer@example.com', NULL, NULL, '2026-11-12 11:00:00'),
  ('P1010', 'L604', 'Marco', 'Rossi', 'marco.rossi@example.com', NULL, NULL, '2026-02-20 10:10:00'),
  ('P9001', 'L901', 'Olu', 'Adeyemi', 'olu.adeyemi@example.com', NULL, NULL, '2025-01-01 09:00:00');
