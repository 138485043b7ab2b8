CREATE TABLE `whatsapp_form_sends` (
	`flow_token` text PRIMARY KEY NOT NULL,
	`form_uuid` text NOT NULL,
	`contact_uuid` text NOT NULL,
	`urn` text NOT NULL,
	`message_uuid` text NOT NULL,
	`external_id` text,
	`sent_on` text NOT NULL,
	FOREIGN KEY (`form_uuid`) REFERENCES `whatsapp_forms`(`uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `whatsapp_form_sends_form` ON `whatsapp_form_sends` (`form_uuid`,`sent_on`);--> statement-breakpoint
CREATE INDEX `whatsapp_form_sends_external` ON `whatsapp_form_sends` (`external_id`);