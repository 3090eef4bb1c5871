-- A trainer setting: show learners of the cohort the sandbox's trust gauge
-- and confidentiality status (hidden by default: a real person shows
-- neither).
ALTER TABLE cohorts ADD COLUMN sandbox_trust_visible INTEGER NOT NULL DEFAULT 0;
