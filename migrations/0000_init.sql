CREATE TABLE `api_tokens` (
	`uuid` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`last_used_on` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`hash`);--> statement-breakpoint
CREATE TABLE `channels` (
	`uuid` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`config` text NOT NULL,
	`base_url` text,
	`sends_per_second` real,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `contact_urns` (
	`scheme` text NOT NULL,
	`path` text NOT NULL,
	`contact_uuid` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`channel_uuid` text,
	PRIMARY KEY(`scheme`, `path`),
	FOREIGN KEY (`contact_uuid`) REFERENCES `contacts`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_uuid`) REFERENCES `channels`(`uuid`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `contact_urns_contact` ON `contact_urns` (`contact_uuid`,`priority`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`uuid` text PRIMARY KEY NOT NULL,
	`name` text,
	`language` text,
	`timezone` text,
	`status` text DEFAULT 'active' NOT NULL,
	`fields` text DEFAULT '{}' NOT NULL,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`last_seen_on` text
);
--> statement-breakpoint
CREATE INDEX `contacts_created` ON `contacts` (`created_on`,`uuid`);--> statement-breakpoint
CREATE INDEX `contacts_name` ON `contacts` (lower("name"));--> statement-breakpoint
CREATE TABLE `cron_ticks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`fired_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `fields` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `flow_versions` (
	`flow_uuid` text NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`published_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`flow_uuid`, `version`),
	FOREIGN KEY (`flow_uuid`) REFERENCES `flows`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `flows` (
	`uuid` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`draft` text NOT NULL,
	`draft_revision` integer DEFAULT 1 NOT NULL,
	`published_version` integer,
	`ignore_keywords` integer DEFAULT false NOT NULL,
	`entry_rules` text,
	`delivery_window` text,
	`goal` text,
	`schedule` text,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `flows_status_created` ON `flows` (`status`,`created_on`,`uuid`);--> statement-breakpoint
CREATE INDEX `flows_created` ON `flows` (`created_on`,`uuid`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_uuid` text NOT NULL,
	`contact_uuid` text NOT NULL,
	PRIMARY KEY(`group_uuid`, `contact_uuid`),
	FOREIGN KEY (`group_uuid`) REFERENCES `groups`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_uuid`) REFERENCES `contacts`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_members_contact` ON `group_members` (`contact_uuid`);--> statement-breakpoint
CREATE TABLE `groups` (
	`uuid` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`query` text,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_name` ON `groups` (lower("name"));--> statement-breakpoint
CREATE TABLE `messages` (
	`uuid` text PRIMARY KEY NOT NULL,
	`contact_uuid` text NOT NULL,
	`channel_uuid` text,
	`urn` text,
	`direction` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`attachments` text DEFAULT '[]' NOT NULL,
	`quick_replies` text DEFAULT '[]' NOT NULL,
	`external_id` text,
	`status` text NOT NULL,
	`flow_uuid` text,
	`run_uuid` text,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`sent_on` text,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`contact_uuid`) REFERENCES `contacts`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_uuid`) REFERENCES `channels`(`uuid`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `messages_contact_created` ON `messages` (`contact_uuid`,`created_on`,`uuid`);--> statement-breakpoint
CREATE INDEX `messages_channel_external` ON `messages` (`channel_uuid`,`external_id`);--> statement-breakpoint
CREATE TABLE `run_results` (
	`run_uuid` text NOT NULL,
	`flow_uuid` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	`category` text,
	`input` text,
	`node_uuid` text,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `run_results_flow_key` ON `run_results` (`flow_uuid`,`key`);--> statement-breakpoint
CREATE TABLE `runs` (
	`uuid` text PRIMARY KEY NOT NULL,
	`contact_uuid` text NOT NULL,
	`flow_uuid` text NOT NULL,
	`flow_version` integer NOT NULL,
	`status` text NOT NULL,
	`results` text DEFAULT '{}' NOT NULL,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`exited_on` text,
	FOREIGN KEY (`contact_uuid`) REFERENCES `contacts`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`flow_uuid`) REFERENCES `flows`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `runs_contact_created` ON `runs` (`contact_uuid`,`created_on`,`uuid`);--> statement-breakpoint
CREATE INDEX `runs_flow_created` ON `runs` (`flow_uuid`,`created_on`,`uuid`);--> statement-breakpoint
CREATE TABLE `triggers` (
	`uuid` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`flow_uuid` text NOT NULL,
	`channel_uuid` text,
	`keywords` text,
	`match_type` text,
	`event` text,
	`group_uuid` text,
	`params` text,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`flow_uuid`) REFERENCES `flows`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_uuid`) REFERENCES `channels`(`uuid`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_uuid`) REFERENCES `groups`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `triggers_type_channel` ON `triggers` (`type`,`channel_uuid`);--> statement-breakpoint
CREATE INDEX `triggers_flow` ON `triggers` (`flow_uuid`);