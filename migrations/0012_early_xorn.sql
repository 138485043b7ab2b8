CREATE TABLE `environment` (
	`id` integer PRIMARY KEY NOT NULL,
	`date_format` text DEFAULT 'YYYY-MM-DD' NOT NULL,
	`time_format` text DEFAULT 'tt:mm' NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`default_country` text,
	`allowed_languages` text DEFAULT '[]' NOT NULL,
	`redaction_policy` text DEFAULT 'none' NOT NULL,
	`modified_on` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
