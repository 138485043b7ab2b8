CREATE TABLE `contact_urns` (
	`scheme` text NOT NULL,
	`path` text NOT NULL,
	`contact_uuid` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`contact_uuid`) REFERENCES `contacts`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_urns_identity` ON `contact_urns` (`scheme`,`path`);--> statement-breakpoint
CREATE INDEX `contact_urns_contact` ON `contact_urns` (`contact_uuid`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`uuid` text PRIMARY KEY NOT NULL,
	`name` text,
	`language` text,
	`timezone` text,
	`status` text DEFAULT 'active' NOT NULL,
	`fields` text DEFAULT '{}' NOT NULL,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contacts_name` ON `contacts` (`name`);--> statement-breakpoint
CREATE TABLE `cron_ticks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`fired_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `flow_versions` (
	`flow_uuid` text NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
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
	`published_version` integer,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `flows_status_name` ON `flows` (`status`,`name`);