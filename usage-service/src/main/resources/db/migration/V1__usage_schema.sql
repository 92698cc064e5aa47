-- placeholder schema, replaced by the usage issue before first release
CREATE TABLE usage_event (
    event_id CHAR(36) NOT NULL PRIMARY KEY,
    occurred_at TIMESTAMP(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
