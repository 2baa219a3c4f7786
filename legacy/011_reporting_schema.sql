CREATE SCHEMA reporting;

CREATE VIEW reporting.account_sizes AS
    SELECT a.id, a.name, count(u.id) AS users
    FROM accounts a LEFT JOIN users u ON u.account_id = a.id
    GROUP BY a.id, a.name;
