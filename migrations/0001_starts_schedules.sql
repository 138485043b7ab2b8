CREATE TABLE `schedules` (
	`uuid` text PRIMARY KEY NOT NULL,
	`schedule` text NOT NULL,
	`flow_uuid` text NOT NULL,
	`start` text NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`next_fire_at` text,
	`last_fired_at` text,
	`origin` text,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `schedules_due` ON `schedules` (`next_fire_at`) WHERE paused = 0;--> statement-breakpoint
CREATE INDEX `schedules_created` ON `schedules` (`created_on`,`uuid`);--> statement-breakpoint
CREATE TABLE `start_contacts` (
	`start_uuid` text NOT NULL,
	`contact_uuid` text NOT NULL,
	PRIMARY KEY(`start_uuid`, `contact_uuid`)
);
--> statement-breakpoint
CREATE TABLE `starts` (
	`uuid` text PRIMARY KEY NOT NULL,
	`flow_uuid` text NOT NULL,
	`audience` text NOT NULL,
	`options` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`schedule_uuid` text,
	`fire_id` text,
	`origin` text,
	`targeted` integer DEFAULT 0 NOT NULL,
	`started` integer DEFAULT 0 NOT NULL,
	`skipped_in_flow` integer DEFAULT 0 NOT NULL,
	`skipped_recent` integer DEFAULT 0 NOT NULL,
	`skipped_inactive` integer DEFAULT 0 NOT NULL,
	`skipped_other` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`finished_on` text,
	FOREIGN KEY (`flow_uuid`) REFERENCES `flows`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `starts_fire` ON `starts` (`fire_id`);--> statement-breakpoint
CREATE INDEX `starts_created` ON `starts` (`created_on`,`uuid`);--> statement-breakpoint
CREATE INDEX `starts_flow_created` ON `starts` (`flow_uuid`,`created_on`,`uuid`);--> statement-breakpoint
CREATE INDEX `starts_status_created` ON `starts` (`status`,`created_on`,`uuid`);