-- Raw-event queries: GET /usage/hourly scans occurred_at ranges; GET /usage/routes groups one Pacific day by route and
-- target.
CREATE INDEX ix_usage_event_occurred ON usage_event (occurred_at);
CREATE INDEX ix_usage_event_day_route ON usage_event (usage_day, route, target);
