-- pgsquash 0.1.0 baseline for PostgreSQL 17
-- Replaces 17 migration files; inputs digest 0d9d574750e459be8c2f17c771afc6db6027bb0a0db329ea1a93de97fca0a2be
-- Apply to a database prepared like the replay (preludes run) with: psql -X -v ON_ERROR_STOP=1 -1 -f <this file>
-- check_function_bodies is off so functions with SQL bodies may precede the tables they read.
-- The reference-data section sets session_replication_role, which requires a superuser.

SET check_function_bodies = off;

-- Cluster-wide: roles

-- Role saas_readonly: its password, if any, is not carried.
DO $pgsquash$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'saas_readonly') THEN
    CREATE ROLE saas_readonly;
  END IF;
END $pgsquash$;
ALTER ROLE saas_readonly WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1;
ALTER ROLE saas_readonly RESET ALL;

-- Schema public

CREATE EXTENSION citext WITH SCHEMA public;

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';

CREATE EXTENSION pgcrypto WITH SCHEMA public;

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

CREATE TYPE public.plan_tier AS ENUM (
    'free',
    'pro',
    'enterprise'
);

CREATE OR REPLACE FUNCTION public.current_account_id()
 RETURNS integer
 LANGUAGE sql
 STABLE
AS $function$ SELECT nullif(current_setting('app.account_id', true), '')::integer $function$;

CREATE OR REPLACE FUNCTION public.set_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$function$;

CREATE SEQUENCE public.accounts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    MINVALUE 1
    MAXVALUE 2147483647
    CACHE 1;

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    MINVALUE 1
    MAXVALUE 2147483647
    CACHE 1;

CREATE TABLE public.accounts (
    id integer DEFAULT nextval('public.accounts_id_seq'::regclass) NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    plan_id smallint DEFAULT 1,
    owner_id integer,
    CONSTRAINT accounts_pkey PRIMARY KEY (id)
);

ALTER SEQUENCE public.accounts_id_seq OWNED BY public.accounts.id;

CREATE TABLE public.audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.audit_log_id_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1) NOT NULL,
    account_id integer NOT NULL,
    happened_at timestamp with time zone DEFAULT now() NOT NULL,
    action text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT audit_log_pkey PRIMARY KEY (id),
    CONSTRAINT audit_log_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE
);
ALTER TABLE public.audit_log ENABLE ROW LEVEL SECURITY;

CREATE INDEX audit_log_account_time_idx ON public.audit_log USING btree (account_id, happened_at DESC);

CREATE INDEX audit_log_payload_idx ON public.audit_log USING gin (payload jsonb_path_ops);

CREATE POLICY audit_log_same_account ON public.audit_log FOR SELECT TO PUBLIC
    USING ((account_id = public.current_account_id()));

CREATE TABLE public.plans (
    id smallint NOT NULL,
    tier public.plan_tier NOT NULL,
    monthly_price_cents integer NOT NULL,
    CONSTRAINT plans_monthly_price_cents_check CHECK ((monthly_price_cents >= 0)),
    CONSTRAINT plans_pkey PRIMARY KEY (id)
);

ALTER TABLE public.accounts ADD CONSTRAINT accounts_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);

CREATE TABLE public.users (
    id integer DEFAULT nextval('public.users_id_seq'::regclass) NOT NULL,
    account_id integer NOT NULL,
    email public.citext NOT NULL,
    display_name text DEFAULT ''::text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id)
);
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

CREATE POLICY users_same_account ON public.users FOR ALL TO PUBLIC
    USING ((account_id = public.current_account_id()));

GRANT SELECT (id) ON TABLE public.users TO saas_readonly;

GRANT SELECT (display_name) ON TABLE public.users TO saas_readonly;

COMMENT ON COLUMN public.users.display_name IS 'Shown in the UI; may differ from the legal name.';

ALTER TABLE public.accounts ADD CONSTRAINT accounts_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) DEFERRABLE INITIALLY DEFERRED;

-- Schema reporting

CREATE SCHEMA reporting;

GRANT USAGE ON SCHEMA reporting TO saas_readonly;

CREATE VIEW reporting.account_sizes AS
 SELECT a.id,
    a.name,
    count(u.id) AS users,
    p.tier
   FROM ((public.accounts a
     LEFT JOIN public.users u ON ((u.account_id = a.id)))
     LEFT JOIN public.plans p ON ((p.id = a.plan_id)))
  GROUP BY a.id, a.name, p.tier;

GRANT SELECT ON TABLE reporting.account_sizes TO saas_readonly;

COMMENT ON VIEW reporting.account_sizes IS 'Users per account, with the plan tier.';

-- Reference data (session_replication_role = replica: no triggers or FK checks fire while loading)

SET session_replication_role = replica;

INSERT INTO public.plans (id, tier, monthly_price_cents) VALUES
    ('1', 'free', '0'),
    ('2', 'pro', '3900'),
    ('3', 'enterprise', '49900');

RESET session_replication_role;
