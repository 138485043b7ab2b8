CREATE TABLE `d1_watermarks` (
	`contact_uuid` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
