CREATE TABLE `goal_performers` (
	`flow_uuid` text NOT NULL,
	`version` integer NOT NULL,
	`contact_uuid` text NOT NULL,
	`performed_on` text NOT NULL,
	PRIMARY KEY(`flow_uuid`, `version`, `contact_uuid`)
);
--> statement-breakpoint
CREATE INDEX `goal_performers_contact` ON `goal_performers` (`contact_uuid`);