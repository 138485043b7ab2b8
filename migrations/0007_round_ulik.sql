CREATE TABLE `whatsapp_forms` (
	`uuid` text PRIMARY KEY NOT NULL,
	`channel_uuid` text NOT NULL,
	`waba_id` text NOT NULL,
	`meta_id` text NOT NULL,
	`name` text NOT NULL,
	`categories` text NOT NULL,
	`flow_json` text,
	`json_version` text,
	`uses_endpoint` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`validation_errors` text DEFAULT '[]' NOT NULL,
	`preview_url` text,
	`history` text DEFAULT '[]' NOT NULL,
	`health` text DEFAULT '{}' NOT NULL,
	`status_at` integer DEFAULT 0 NOT NULL,
	`endpoint_screens` text DEFAULT '{}' NOT NULL,
	`created_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`channel_uuid`) REFERENCES `channels`(`uuid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_forms_meta` ON `whatsapp_forms` (`meta_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_forms_name` ON `whatsapp_forms` (`waba_id`,`name`);--> statement-breakpoint
CREATE INDEX `whatsapp_forms_channel` ON `whatsapp_forms` (`channel_uuid`,`name`);