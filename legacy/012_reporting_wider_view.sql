-- Add the plan to the report: replace the view with a wider one.
CREATE OR REPLACE VIEW reporting.account_sizes AS
    SELECT a.id, a.name, count(u.id) AS users, p.tier
    FROM accounts a
    LEFT JOIN users u ON u.account_id = a.id
    LEFT JOIN plans p ON p.id = a.plan_id
    GROUP BY a.id, a.name, p.tier;
COMMENT ON VIEW reporting.account_sizes IS 'Users per account, with the plan tier.';
